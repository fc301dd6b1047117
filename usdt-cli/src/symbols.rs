//! Which function contains an address: a sorted table of the sized function symbols of
//! `.symtab` and `.dynsym`.

use object::{Object, ObjectSymbol, SymbolKind};

use crate::demangle::demangle;

/// The function symbols of one object, sorted by address.
#[derive(Debug, Default, Clone)]
pub struct SymbolMap {
    /// (start, end, mangled name), sorted by start.
    functions: Vec<(u64, u64, String)>,
}

/// How many lower-addressed symbols a lookup examines past the nearest one: enough for
/// aliases and the odd nested symbol, and a bound on the work for hostile tables.
const LOOKBACK: usize = 16;

impl SymbolMap {
    /// Collects the sized, defined function symbols of both symbol tables.
    pub fn new<'data>(file: &impl Object<'data>) -> SymbolMap {
        let mut functions: Vec<(u64, u64, String)> = file
            .symbols()
            .chain(file.dynamic_symbols())
            .filter(|s| s.kind() == SymbolKind::Text && s.is_definition() && s.size() > 0)
            .filter_map(|s| {
                let name = s.name().ok()?;
                let end = s.address().checked_add(s.size())?;
                Some((s.address(), end, name.to_string()))
            })
            .collect();
        functions.sort();
        // A function is often in both tables; keep one entry.
        functions.dedup();
        SymbolMap { functions }
    }

    /// Builds a map from (start, size, mangled name) triples.
    pub fn from_functions(functions: impl IntoIterator<Item = (u64, u64, String)>) -> SymbolMap {
        let mut functions: Vec<(u64, u64, String)> = functions
            .into_iter()
            .filter_map(|(start, size, name)| Some((start, start.checked_add(size)?, name)))
            .collect();
        functions.sort();
        functions.dedup();
        SymbolMap { functions }
    }

    /// The demangled name of the function whose `[address, address + size)` holds `pc`.
    pub fn function_at(&self, pc: u64) -> Option<String> {
        self.symbol_at(pc).map(|(_, name)| demangle(name))
    }

    /// The start and mangled name of the function whose `[address, address + size)` holds
    /// `pc`.
    pub fn symbol_at(&self, pc: u64) -> Option<(u64, &str)> {
        let after = self.functions.partition_point(|(start, _, _)| *start <= pc);
        self.functions
            .get(..after)?
            .iter()
            .rev()
            .take(LOOKBACK)
            .find(|(_, end, _)| pc < *end)
            .map(|(start, _, name)| (*start, name.as_str()))
    }

    /// The start of the function whose mangled name is `name` (the lowest, if several are).
    pub fn address_of(&self, name: &str) -> Option<u64> {
        self.functions
            .iter()
            .find(|(_, _, n)| n == name)
            .map(|(start, _, _)| *start)
    }

    /// Number of function symbols.
    pub fn len(&self) -> usize {
        self.functions.len()
    }

    /// True when the object has no sized function symbols (stripped).
    pub fn is_empty(&self) -> bool {
        self.functions.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::SymbolMap;

    #[test]
    fn finds_the_containing_function() {
        let map = SymbolMap::from_functions([
            (0x1000, 0x20, "a".to_string()),
            (
                0x1020,
                0x10,
                "_ZN7example4main17h0123456789abcdefE".to_string(),
            ),
            (0x1100, 0x10, "c".to_string()),
        ]);
        assert_eq!(map.function_at(0x1000).as_deref(), Some("a"));
        assert_eq!(map.function_at(0x101f).as_deref(), Some("a"));
        assert_eq!(map.function_at(0x1020).as_deref(), Some("example::main"));
        assert_eq!(map.function_at(0x1030), None);
        assert_eq!(map.function_at(0xfff), None);
        assert_eq!(map.function_at(u64::MAX), None);
    }

    #[test]
    fn overflowing_sizes_are_dropped() {
        let map = SymbolMap::from_functions([(u64::MAX, 2, "x".to_string())]);
        assert!(map.is_empty());
    }
}
