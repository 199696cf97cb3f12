"""`selko doctor`: a ready installation passes; each thing an IT person can
get wrong is named in its own line, and any of them makes the exit 1."""

import datetime
import socket
import ssl
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from sqlalchemy import text

from selko import create_app
from selko.ops import doctor
from tests.test_alarm_safety import add_phone

SECRET = "a" * 64


def _certificate(folder):
    """A self-signed certificate for localhost, as a push service's would be."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "push.pem", folder / "push.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert_file, key_file


@pytest.fixture
def tls_push_service(tmp_path, monkeypatch):
    """A TLS server on localhost that this process trusts (SSL_CERT_FILE)."""
    cert_file, key_file = _certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_file))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    listener = socket.create_server(("127.0.0.1", 0))

    def answer():
        while True:
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            try:
                with context.wrap_socket(connection, server_side=True):
                    pass
            except (OSError, ssl.SSLError):
                pass

    threading.Thread(target=answer, daemon=True).start()
    yield listener.getsockname()[1]
    listener.close()


def _subscribe(session, make, endpoint):
    add_phone(session, make.client(), {"endpoint": endpoint, "keys": {"p256dh": "k", "auth": "a"}})
    session.commit()


def _ready_app(database_url, tmp_path, **config):
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "ORIGIN": "https://selko.example.fi",
            "SECRET_KEY": SECRET,
            "PUSH_HOSTS": ("localhost",),
            **config,
        }
    )


def _lines(findings):
    return {f.check: f for f in findings}


def test_it_finds_a_ready_installation_ready(app, database_url, session, make, tmp_path, tls_push_service):
    _subscribe(session, make, f"https://localhost:{tls_push_service}/push/1")
    ready = _ready_app(database_url, tmp_path)
    with ready.app_context():
        findings = doctor.examine(ready, 1, tmp_path / "no-such-file")
    assert [f for f in findings if not f.ok] == [], findings
    lines = _lines(findings)
    assert "localhost" in lines["push service"].says
    assert {"origin", "secret key", "push key", "database", "migrations", "clock", "rate limits", "front end"} <= set(lines)
    ready.extensions["selko.engine"].dispose()


def test_it_names_each_problem_and_exits_1(app, database_url, session, make, tmp_path):
    # A closed port: the push service this phone uses cannot be reached.
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    _subscribe(session, make, f"https://localhost:{port}/push/1")
    settings = tmp_path / "selko.env"
    settings.write_text("SELKO_SECRET_KEY=short\n")
    settings.chmod(0o644)
    broken = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "ORIGIN": "http://selko.example.fi",
            "SECRET_KEY": "short",
            "PUSH_HOSTS": ("localhost",),
        }
    )
    (tmp_path / "instance" / "vapid_private.pem").chmod(0o644)
    with broken.app_context():
        findings = _lines(doctor.examine(broken, 3, settings))
    assert "https" in findings["origin"].says and not findings["origin"].ok
    assert "5 characters" in findings["secret key"].says and not findings["secret key"].ok
    assert "chmod 600" in findings["push key"].says and not findings["push key"].ok
    assert "chmod 640" in findings["settings file"].says and not findings["settings file"].ok
    assert "cannot be reached" in findings["push service"].says and not findings["push service"].ok
    assert "3 web processes" in findings["rate limits"].says and not findings["rate limits"].ok
    assert findings["database"].ok and findings["migrations"].ok and findings["clock"].ok

    result = broken.test_cli_runner().invoke(args=["doctor", "--settings-file", str(settings)])
    assert result.exit_code == 1
    assert "PROBLEM origin" in result.output and "problems" in result.output.splitlines()[-1]
    broken.extensions["selko.engine"].dispose()


def test_it_says_when_the_database_is_behind_this_selko(app, database_url, tmp_path):
    engine = app.extensions["selko.engine"]
    with engine.begin() as connection:
        head = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        connection.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    try:
        with app.app_context():
            findings = _lines(doctor.examine(app, 1, tmp_path / "none"))
    finally:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})
    assert not findings["migrations"].ok and "selko migrate" in findings["migrations"].says


def test_it_says_when_the_database_does_not_answer(tmp_path):
    gone = create_app({"TESTING": True, "DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none", "INSTANCE_PATH": str(tmp_path / "i")})
    with gone.app_context():
        findings = _lines(doctor.examine(gone, 1, tmp_path / "none"))
    assert not findings["database"].ok and "does not answer" in findings["database"].says
    assert "migrations" not in findings and "push service" not in findings


def test_it_says_when_the_shared_rate_limit_store_does_not_answer(app, tmp_path):
    closed = socket.create_server(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()
    app.config["RATE_LIMIT_STORAGE"] = f"redis://:secretpassword@127.0.0.1:{port}/0"
    finding = doctor.rate_limit_store(app, 3)
    assert not finding.ok and "secretpassword" not in finding.says


def test_it_says_when_this_host_and_the_database_disagree_on_the_time(app):
    with app.app_context():
        behind = doctor.clock(datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=2))
        agreed = doctor.clock(datetime.datetime.now(datetime.timezone.utc))
    assert not behind.ok and "120 s apart" in behind.says
    assert agreed.ok and "Europe/Helsinki" in agreed.says
