from rapport.cli import app

app()
