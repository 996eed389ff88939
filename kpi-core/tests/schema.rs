//! The committed JSON Schema of the plan (`kpi-core/plan.schema.json`) is what the Rust
//! types generate. Runs with the `schema` feature:
//! `cargo test -p kpi-core --features schema --test schema`.
#![cfg(feature = "schema")]

#[test]
fn the_committed_plan_schema_is_generated_from_the_types() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("plan.schema.json");
    let generated = kpi_core::schema::generate_plan_schema();
    if std::env::var_os("KPI_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "kpi-core/plan.schema.json differs from the schema the plan's types generate: run \
         KPI_BLESS=1 cargo test -p kpi-core --features schema --test schema"
    );
    // `plan_schema()` embeds the file when kpi-core is compiled: after blessing, the next
    // build has the new text.
    if std::env::var_os("KPI_BLESS").is_none() {
        assert!(
            kpi_core::plan_schema() == committed,
            "kpi_core::plan_schema() is not the committed file"
        );
    }
}
