from services.gateway.config import Settings
from services.gateway.main import create_app
from shared.runtime import serve

settings = Settings()
serve(create_app(settings), settings)
