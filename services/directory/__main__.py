from services.directory.config import Settings
from services.directory.main import create_app
from shared.runtime import serve

settings = Settings()
serve(create_app(settings), settings)
