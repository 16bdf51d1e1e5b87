"""A minimal todo app: lists the users table on :8080."""
import os
from http.server import BaseHTTPRequestHandler, HTTPServer

import psycopg


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        with psycopg.connect(os.environ["DB_URI"]) as conn:
            rows = conn.execute("select id, name from users order by id").fetchall()
        body = f"user {os.environ['USER_ID']} started this app\n" + "".join(f"{i} {n}\n" for i, n in rows)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(body.encode())


HTTPServer(("", 8080), Handler).serve_forever()
