//! Which function holds an address, from an object file's own symbol tables: how
//! registration names the sites `dladdr` cannot name (hidden and local functions, Rust's
//! `main` among them), and how `usdt list` names every site.
//!
//! Names are the ones `dladdr` gives: mangled, and without the `_` that Mach-O puts before
//! C names.

use std::collections::HashMap;

use object::{
    BinaryFormat, Object, ObjectSection, ObjectSegment, ObjectSymbol, ObjectSymbolTable, ReadRef,
    SectionIndex, SymbolIndex, SymbolKind,
};

/// The function symbols of one object, sorted by address.
#[derive(Debug, Default, Clone)]
pub struct FunctionMap {
    /// (start, end, mangled name), sorted by start.
    functions: Vec<(u64, u64, String)>,
}

/// How many lower-addressed symbols a lookup examines past the nearest one: enough for
/// aliases and the odd nested symbol, and a bound on the work for hostile tables.
const LOOKBACK: usize = 16;

impl FunctionMap {
    /// The functions of a linked object (executable, shared library), at the addresses
    /// its sections were linked at.
    pub fn of_linked<'data, R: ReadRef<'data>>(object: &object::File<'data, R>) -> FunctionMap {
        FunctionMap::of_object(object, &|_, address| Some(address))
    }

    /// The defined function symbols of both symbol tables of `object`, each section placed
    /// where `section_start` says (given the section and its recorded address), so that
    /// the sections of a relocatable object, which all start at 0, can be told apart.
    ///
    /// ELF symbols without a size are left out. Mach-O symbols have no size: each function
    /// is taken to run up to the next function symbol of its section, or to the section's
    /// end.
    pub fn of_object<'data, R: ReadRef<'data>>(
        object: &object::File<'data, R>,
        section_start: &dyn Fn(SectionIndex, u64) -> Option<u64>,
    ) -> FunctionMap {
        FunctionMap::collect(object, section_start, |_, _| true)
    }

    /// [`FunctionMap::of_linked`], but only the functions that hold one of `addresses`
    /// (sorted): the names of the others are never read, which spares a large program's
    /// start most of the work.
    pub fn of_linked_covering<'data, R: ReadRef<'data>>(
        object: &object::File<'data, R>,
        addresses: &[u64],
    ) -> FunctionMap {
        FunctionMap::collect(object, &|_, address| Some(address), |start, end| {
            let first = addresses.partition_point(|&a| a < start);
            addresses.get(first).is_some_and(|&a| a < end)
        })
    }

    /// The functions of `object` whose `[start, end)` `keep` accepts.
    fn collect<'data, R: ReadRef<'data>>(
        object: &object::File<'data, R>,
        section_start: &dyn Fn(SectionIndex, u64) -> Option<u64>,
        keep: impl Fn(u64, u64) -> bool,
    ) -> FunctionMap {
        /// A function symbol before its name is read: its table, index, section, start and
        /// size.
        struct Entry {
            dynamic: bool,
            index: SymbolIndex,
            section: SectionIndex,
            start: u64,
            size: u64,
        }
        let macho = object.format() == BinaryFormat::MachO;
        let section_of = |index: SectionIndex| {
            let section = object.section_by_index(index).ok()?;
            Some((section_start(index, section.address())?, section))
        };
        let entry = |dynamic: bool, s: object::Symbol<'data, '_, R>| {
            if s.kind() != SymbolKind::Text || !s.is_definition() {
                return None;
            }
            // Mach-O names starting with `l` or `L` are the assembler's and linker's own
            // labels (LLVM's `ltmp0` marks a section's start), never a function's name; one
            // at a function's address would otherwise name it.
            if macho
                && s.name_bytes()
                    .is_ok_and(|n| matches!(n.first(), Some(b'l' | b'L')))
            {
                return None;
            }
            let section = s.section_index()?;
            let (start, header) = section_of(section)?;
            let start = start.checked_add(s.address().checked_sub(header.address())?)?;
            Some(Entry {
                dynamic,
                index: s.index(),
                section,
                start,
                size: s.size(),
            })
        };
        let mut entries: Vec<Entry> = object
            .symbols()
            .filter_map(|s| entry(false, s))
            .chain(object.dynamic_symbols().filter_map(|s| entry(true, s)))
            .collect();
        if macho {
            entries.sort_by_key(|e| (e.section.0, e.start));
            let ends: HashMap<SectionIndex, u64> = object
                .sections()
                .filter_map(|s| {
                    let (start, _) = section_of(s.index())?;
                    Some((s.index(), start.checked_add(s.size())?))
                })
                .collect();
            // Backwards, remembering the start of the next higher address in the section.
            let mut next: Option<u64> = None;
            let mut run: Option<(SectionIndex, u64)> = None;
            for e in entries.iter_mut().rev() {
                match run {
                    Some((s, a)) if s == e.section && a == e.start => {}
                    Some((s, a)) if s == e.section => {
                        next = Some(a);
                        run = Some((e.section, e.start));
                    }
                    _ => {
                        next = None;
                        run = Some((e.section, e.start));
                    }
                }
                let end = next
                    .or_else(|| ends.get(&e.section).copied())
                    .unwrap_or(e.start);
                e.size = end.saturating_sub(e.start);
            }
        }
        let name = |e: &Entry| {
            let symbol = if e.dynamic {
                object
                    .dynamic_symbol_table()?
                    .symbol_by_index(e.index)
                    .ok()?
            } else {
                object.symbol_by_index(e.index).ok()?
            };
            let name = symbol.name().ok()?;
            let name = if macho {
                name.strip_prefix('_').unwrap_or(name)
            } else {
                name
            };
            Some(name.to_string())
        };
        FunctionMap::from_functions(entries.iter().filter_map(|e| {
            let end = e.start.checked_add(e.size)?;
            (e.size > 0 && keep(e.start, end)).then_some(())?;
            Some((e.start, e.size, name(e)?))
        }))
    }

    /// Builds a map from (start, size, mangled name) triples.
    pub fn from_functions(functions: impl IntoIterator<Item = (u64, u64, String)>) -> FunctionMap {
        let mut functions: Vec<(u64, u64, String)> = functions
            .into_iter()
            .filter_map(|(start, size, name)| Some((start, start.checked_add(size)?, name)))
            .collect();
        functions.sort();
        // A function is often in both tables; keep one entry.
        functions.dedup();
        FunctionMap { functions }
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

    /// True when the object has no function symbols (stripped).
    pub fn is_empty(&self) -> bool {
        self.functions.is_empty()
    }
}

/// The link-time address of an object's first byte (its ELF or Mach-O header), which the
/// loader maps at the object's base (`dladdr`'s `dli_fbase`): the address of the segment
/// that starts the file.
pub fn header_address<'data, R: ReadRef<'data>>(object: &object::File<'data, R>) -> Option<u64> {
    object
        .segments()
        .find(|s| {
            let (offset, size) = s.file_range();
            offset == 0 && size > 0
        })
        .map(|s| s.address())
}

/// The functions of a loaded object (an executable or a shared library) that hold some of
/// its probe sites, named from the object's own file and placed at run-time addresses.
#[derive(Debug, Clone)]
pub struct ImageFunctions {
    map: FunctionMap,
    /// Run-time address less link-time address (wrapping).
    bias: u64,
}

impl ImageFunctions {
    /// The functions of `object`, loaded with its header at `base`, that hold one of `sites`
    /// (run-time addresses). `None` when the file does not say where its header is.
    pub fn new<'data, R: ReadRef<'data>>(
        object: &object::File<'data, R>,
        base: u64,
        sites: &[u64],
    ) -> Option<ImageFunctions> {
        let bias = base.wrapping_sub(header_address(object)?);
        let mut linked: Vec<u64> = sites.iter().map(|a| a.wrapping_sub(bias)).collect();
        linked.sort_unstable();
        linked.dedup();
        Some(ImageFunctions {
            map: FunctionMap::of_linked_covering(object, &linked),
            bias,
        })
    }

    /// [`ImageFunctions::new`] for the file at `path`, of which only the headers and the
    /// symbol tables are read. `None` when it cannot be read.
    pub fn read(path: &std::path::Path, base: u64, sites: &[u64]) -> Option<ImageFunctions> {
        let file = std::fs::File::open(path).ok()?;
        let cache = object::read::ReadCache::new(file);
        let object = object::File::parse(&cache).ok()?;
        ImageFunctions::new(&object, base, sites)
    }

    /// The run-time start and mangled name of the function holding run-time `address`.
    pub fn function_at(&self, address: u64) -> Option<(u64, &str)> {
        self.map
            .symbol_at(address.wrapping_sub(self.bias))
            .map(|(start, name)| (start.wrapping_add(self.bias), name))
    }
}

#[cfg(test)]
mod tests {
    use super::FunctionMap;

    #[test]
    fn finds_the_containing_function() {
        let map = FunctionMap::from_functions([
            (0x1000, 0x20, "a".to_string()),
            (0x1020, 0x10, "b".to_string()),
            (0x1100, 0x10, "c".to_string()),
        ]);
        assert_eq!(map.symbol_at(0x1000), Some((0x1000, "a")));
        assert_eq!(map.symbol_at(0x101f), Some((0x1000, "a")));
        assert_eq!(map.symbol_at(0x1020), Some((0x1020, "b")));
        assert_eq!(map.symbol_at(0x1030), None);
        assert_eq!(map.symbol_at(0xfff), None);
        assert_eq!(map.symbol_at(u64::MAX), None);
        assert_eq!(map.address_of("c"), Some(0x1100));
    }

    #[test]
    fn overflowing_sizes_are_dropped() {
        let map = FunctionMap::from_functions([(u64::MAX, 2, "x".to_string())]);
        assert!(map.is_empty());
    }
}
