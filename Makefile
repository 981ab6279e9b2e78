# GUVNL Queue. `make run` serves the whole system at http://127.0.0.1:8080; `make test` runs every test.
.PHONY: run test check-long build site deps clean screenshots install

run:
	@bash scripts/run.sh

test:
	@bash scripts/test.sh

# The long fuzzing and contract runs that `make test` keeps short.
check-long:
	@bash scripts/check-long.sh

deps:
	@bash scripts/install-deps.sh

# Installs on this server the Debian way (README, "Running it in production"); DESTDIR=/tmp/root stages it instead.
install:
	@bash scripts/install.sh

build: deps
	swift build -c release

site: deps
	swift build -c release --product sitegen
	.build/release/sitegen build --root . --output public

# Every page at phone, laptop and TV sizes (and the 80 mm ticket) into var/screenshots/.
screenshots:
	@bash scripts/install-deps.sh --test
	swift build
	python3 scripts/screenshots.py

clean:
	rm -rf .build var
	find public -mindepth 1 ! -name README.md -delete
