from services.delegation.config import Settings
from services.delegation.main import create_app
from shared.runtime import serve

settings = Settings()
serve(create_app(settings), settings)
