//! Which function contains an address, demangled for display: the function map of
//! [`usdt_impl::symbols`], which registration uses too.

use usdt_impl::symbols::FunctionMap;

use crate::demangle::demangle;

/// The function symbols of one object, sorted by address.
#[derive(Debug, Default, Clone)]
pub struct SymbolMap {
    functions: FunctionMap,
}

impl From<FunctionMap> for SymbolMap {
    fn from(functions: FunctionMap) -> SymbolMap {
        SymbolMap { functions }
    }
}

impl SymbolMap {
    /// Builds a map from (start, size, mangled name) triples.
    pub fn from_functions(functions: impl IntoIterator<Item = (u64, u64, String)>) -> SymbolMap {
        FunctionMap::from_functions(functions).into()
    }

    /// The demangled name of the function whose `[address, address + size)` holds `pc`.
    pub fn function_at(&self, pc: u64) -> Option<String> {
        self.symbol_at(pc).map(|(_, name)| demangle(name))
    }

    /// The start and mangled name of the function whose `[address, address + size)` holds
    /// `pc`.
    pub fn symbol_at(&self, pc: u64) -> Option<(u64, &str)> {
        self.functions.symbol_at(pc)
    }

    /// The start of the function whose mangled name is `name` (the lowest, if several are).
    pub fn address_of(&self, name: &str) -> Option<u64> {
        self.functions.address_of(name)
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
    fn names_are_demangled() {
        let map = SymbolMap::from_functions([(
            0x1020,
            0x10,
            "_ZN7example4main17h0123456789abcdefE".to_string(),
        )]);
        assert_eq!(map.function_at(0x1020).as_deref(), Some("example::main"));
        assert_eq!(map.function_at(0x1030), None);
    }
}
