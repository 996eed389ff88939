//! Python bindings: see python/kpi_core.
