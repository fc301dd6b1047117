//! Parser for DTrace provider definition files.
