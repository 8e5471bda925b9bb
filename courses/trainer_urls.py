app_name = "trainer"

urlpatterns = []
