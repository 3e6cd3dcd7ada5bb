from django.urls import path

from bansos.lookup import views

app_name = "lookup"
urlpatterns = [path("", views.index, name="index")]
