from services.invitations.config import Settings
from services.invitations.main import create_app
from shared.runtime import serve

settings = Settings()
serve(create_app(settings), settings)
