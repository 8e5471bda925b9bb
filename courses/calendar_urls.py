app_name = "calendar"

urlpatterns = []
