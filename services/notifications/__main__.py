from services.notifications.config import Settings
from services.notifications.main import create_app
from shared.runtime import serve

settings = Settings()
serve(create_app(settings), settings)
