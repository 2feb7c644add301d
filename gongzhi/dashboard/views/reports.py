"""(filled by its owner)"""

urlpatterns = []
