"""Read-only views of departments, districts and entities in the admin site (what the `admin` role needs to
manage users); certifications are business data on the orgs pages. Writes go through ipcity.orgs.services."""

from django.contrib import admin

from .models import Department, District, Entity


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "code", "order", "is_active")
    search_fields = ("name", "name_en", "code")


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ("name", "name_en", "kind", "division_code")


@admin.register(Entity)
class EntityAdmin(admin.ModelAdmin):
    list_display = ("name", "uscc", "kind", "district", "is_demo")
    list_filter = ("kind", "district", "is_demo")
    search_fields = ("name", "uscc")
