from django.urls import path

from baselines import views

# The benchmark's driver requests these paths as they are written here (bench/run.py, bench/driver.py).
urlpatterns = [
    path("bench/baseline/read/", views.read, name="bench_baseline_read"),
    path("bench/baseline/write/", views.write, name="bench_baseline_write"),
]
