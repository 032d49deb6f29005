from services.offers.config import Settings
from services.offers.main import create_app
from shared.runtime import serve

settings = Settings()
serve(create_app(settings), settings)
