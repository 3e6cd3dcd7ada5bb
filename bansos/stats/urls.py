from django.urls import path

from bansos.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.index, name="index"),
    path("data.csv", views.csv_download, name="csv"),
]
