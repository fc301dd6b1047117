//! The DTrace Object Format (DOF).
