# The two quick-start commands (see README): `make run` and `make test`. Both install what they need.

SAMPLE := data/sample
OUT ?= out/sample

.PHONY: run test setup lint bench

setup:
	@bash .ci/setup

# Scan the sample county shipped in data/ and print the worst schools; files land in $(OUT)/.
run: setup
	cargo run --release --quiet -- scan \
	  --schools $(SAMPLE)/schools.shp --schools $(SAMPLE)/school_points.shp \
	  --gates $(SAMPLE)/gates.geojson \
	  --venues $(SAMPLE)/venues.csv --venues-crs gcj02 \
	  --water $(SAMPLE)/water.geojson \
	  --out $(OUT)

# Every test: formatting, lints, unit, integration and doc tests.
test: setup
	cargo fmt --check
	cargo clippy --all-targets --quiet -- -D warnings
	cargo test --lib --bins --tests --quiet
	cargo test --doc --quiet

bench: setup
	cargo bench --bench scan
