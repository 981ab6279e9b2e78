"""scripts/install.sh staged into a DESTDIR: the Debian layout an operator's README describes, units
that systemd accepts in that tree, and an nginx configuration that nginx accepts once its paths
point into the tree. (This build's debug binaries stand in for the --static-swift-stdlib release.)"""
import os
import shutil
import stat
import subprocess

import pytest

from stack import BIN, REPO

UNITS = ["guvnl-queue-app.service", "guvnl-queue-worker.service", "guvnl-queue-backup.service", "guvnl-queue-backup.timer"]


@pytest.fixture(scope="module")
def staged(tmp_path_factory):
    root = tmp_path_factory.mktemp("destdir")
    env = dict(os.environ, DESTDIR=str(root), GUVNL_BIN_DIR=str(BIN), SERVER_NAME="queue.guvnl.example",
               CERT="/etc/guvnl-queue/tls/fullchain.pem", CERT_KEY="/etc/guvnl-queue/tls/privkey.pem")
    result = subprocess.run([REPO / "scripts" / "install.sh"], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return root


def test_the_tree_is_laid_out_the_debian_way(staged):
    expected_files = [
        "opt/guvnl-queue/bin/fcgi-app", "opt/guvnl-queue/bin/sitegen", "opt/guvnl-queue/openapi.yaml",
        "opt/guvnl-queue/public/index.html", "opt/guvnl-queue/public/catalog.json",
        "opt/guvnl-queue/public/interface-strings.json", "opt/guvnl-queue/public/gu/index.html",
        "etc/guvnl-queue/guvnl-queue.env", "etc/nginx/guvnl-queue/nginx.conf",
        "etc/nginx/guvnl-queue/snippets/api.conf", "etc/systemd/system/nginx.service.d/guvnl-queue.conf",
        "etc/sysusers.d/guvnl-queue.conf", "etc/tmpfiles.d/guvnl-queue.conf",
        "opt/guvnl-queue/Templates/sms-dlt.json", "opt/guvnl-queue/prometheus/alerts.yml", "etc/logrotate.d/guvnl-queue",
        *(f"etc/systemd/system/{unit}" for unit in UNITS),
    ]
    missing = [path for path in expected_files if not (staged / path).is_file()]
    assert missing == []
    for folder in ("var/lib/guvnl-queue", "var/backups/guvnl-queue", "var/lib/nginx/guvnl-queue/logs"):
        assert (staged / folder).is_dir(), folder
    # The binaries run; the data and backup folders and the settings are closed to other users
    assert os.access(staged / "opt/guvnl-queue/bin/fcgi-app", os.X_OK)
    assert subprocess.run([staged / "opt/guvnl-queue/bin/fcgi-app", "backup", "--help"], capture_output=True).returncode == 0
    for private in ("var/lib/guvnl-queue", "var/backups/guvnl-queue", "etc/guvnl-queue/guvnl-queue.env"):
        assert stat.S_IMODE((staged / private).stat().st_mode) & 0o007 == 0, private
    # Tickets' QR codes name the server as citizens reach it
    assert "GUVNL_PUBLIC_URL=https://queue.guvnl.example" in (staged / "etc/guvnl-queue/guvnl-queue.env").read_text().splitlines()
    # Nothing installed points back into the staging tree or the build folder
    for path in staged.rglob("*"):
        if path.is_file() and path.suffix in (".conf", ".service", ".timer", ".env"):
            text = path.read_text()
            assert str(staged) not in text and str(REPO) not in text, path


def test_the_installed_units_pass_systemd_analyze_verify_in_that_root(staged, tmp_path):
    # systemd needs its own units and the programs the units run inside the root it verifies
    root = tmp_path / "root"
    shutil.copytree(staged, root, symlinks=True)
    shutil.copytree("/usr/lib/systemd/system", root / "usr/lib/systemd/system", symlinks=True)
    (root / "usr/sbin").mkdir(parents=True)
    shutil.copy("/usr/sbin/nginx", root / "usr/sbin/nginx")
    units = [f"etc/systemd/system/{unit}" for unit in UNITS] + ["usr/lib/systemd/system/nginx.service"]
    result = subprocess.run(["systemd-analyze", "verify", f"--root={root}", *units], cwd=root, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    # and the drop-in is what nginx.service runs
    shown = subprocess.run(["systemd-analyze", f"--root={root}", "cat-config", "systemd/system/nginx.service.d/guvnl-queue.conf"],
                           capture_output=True, text=True)
    assert "-c /etc/nginx/guvnl-queue/nginx.conf" in shown.stdout, shown.stdout + shown.stderr


def test_the_installed_nginx_configuration_is_accepted_by_nginx(staged, tmp_path):
    # Given the installed configuration with its absolute paths pointed into the staged tree, and a certificate
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=queue.guvnl.example",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    config_dir = tmp_path / "nginx"
    shutil.copytree(staged / "etc/nginx/guvnl-queue", config_dir)
    for path in [config_dir / "nginx.conf", *(config_dir / "snippets").iterdir()]:
        text = path.read_text()
        text = (text.replace("/etc/nginx/guvnl-queue", str(config_dir))
                .replace("/var/lib/nginx/guvnl-queue", str(staged / "var/lib/nginx/guvnl-queue"))
                .replace("/etc/guvnl-queue/tls/fullchain.pem", str(cert)).replace("/etc/guvnl-queue/tls/privkey.pem", str(key))
                .replace("/run/nginx.pid", str(tmp_path / "nginx.pid")))
        path.write_text(text)
    # Then nginx accepts it
    result = subprocess.run(["nginx", "-t", "-c", str(config_dir / "nginx.conf"), "-e", str(tmp_path / "error.log")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "server_name queue.guvnl.example;" in (config_dir / "nginx.conf").read_text()
    assert "root /opt/guvnl-queue/public;" in (staged / "etc/nginx/guvnl-queue/nginx.conf").read_text()
    assert "unix:/run/guvnl-queue/fcgi-app.sock" in (staged / "etc/nginx/guvnl-queue/nginx.conf").read_text()


def test_installing_again_keeps_the_operators_settings(staged):
    settings = staged / "etc/guvnl-queue/guvnl-queue.env"
    settings.write_text("GUVNL_CORS_ORIGINS=https://portal.mgvcl.in\n")
    env = dict(os.environ, DESTDIR=str(staged), GUVNL_BIN_DIR=str(BIN), SERVER_NAME="queue.guvnl.example")
    result = subprocess.run([REPO / "scripts" / "install.sh"], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert settings.read_text() == "GUVNL_CORS_ORIGINS=https://portal.mgvcl.in\n"
    # and says what a setting added since would do, without adding it
    assert "GUVNL_PUBLIC_URL is not set" in result.stderr


def test_a_server_known_by_several_names_gets_the_first_as_its_public_address(tmp_path):
    for names, expected in [("queue.guvnl.in www.queue.guvnl.in", "GUVNL_PUBLIC_URL=https://queue.guvnl.in"), ("_", None)]:
        root = tmp_path / names.split()[0].replace("_", "underscore")
        env = dict(os.environ, DESTDIR=str(root), GUVNL_BIN_DIR=str(BIN), SERVER_NAME=names)
        result = subprocess.run([REPO / "scripts" / "install.sh"], env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        lines = [line for line in (root / "etc/guvnl-queue/guvnl-queue.env").read_text().splitlines() if line.startswith("GUVNL_PUBLIC_URL=")]
        assert lines == ([expected] if expected else []), (names, lines)
