//! usdt 0.6's `to_json`.

use crate::Error;

/// `value` as JSON text, as usdt 0.6's `to_json` made it (for probe arguments, which this
/// crate now serializes itself, as `{"ok":VALUE}`, only while the probe is enabled).
///
/// ```
/// assert_eq!(usdt::to_json(&[1, 2]).unwrap(), "[1,2]");
/// ```
pub fn to_json<T: ?Sized + serde::Serialize>(value: &T) -> Result<String, Error> {
    Ok(serde_json::to_string(value)?)
}
