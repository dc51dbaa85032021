//! Empty: the race tests are in tests/races.rs.
