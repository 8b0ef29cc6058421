"""The Flask extensions, created unbound so that create_app() can bind them to any app."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from portal.models.base import Base, render_migration_item

db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True, render_as_batch=True, render_item=render_migration_item)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
