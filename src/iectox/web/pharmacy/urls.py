"""The pharmacy's URLs: orders are named by their number, nothing else identifies a patient in a URL."""

from __future__ import annotations

from django.urls import path

from iectox.web.pharmacy import stock_views, views

app_name = "pharmacy"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("orders/+new/", views.new_order, name="order-create"),
    path("orders/<int:order>/", views.order_page, name="order"),
    path("orders/<int:order>/move/", views.move, name="order-move"),
    path("stock/", stock_views.stock, name="stock"),
]
