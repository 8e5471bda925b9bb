"""Reports for the funding body and the lab managers' figures: whom the labs reached, in a period."""
