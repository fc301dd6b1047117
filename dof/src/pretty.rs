//! Human-readable dumps: a whole document (`DofFile`) or just its providers (`Dof`).

use std::fmt;

use crate::file::{DofFile, SectionHeader};
use crate::{Dof, Probe, Provider};

impl fmt::Display for DofFile {
    /// The header fields, the section table, then each provider and probe.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let h = &self.header;
        writeln!(f, "DOF header")?;
        writeln!(f, "  magic             7f 44 4f 46 (\\x7fDOF)")?;
        writeln!(f, "  data model        {}", h.model)?;
        writeln!(f, "  encoding          {}", h.encoding)?;
        writeln!(f, "  DOF version       {}", h.version)?;
        writeln!(f, "  DIF version       {}", h.dif_version)?;
        writeln!(f, "  DIF integer regs  {}", h.dif_int_regs)?;
        writeln!(f, "  DIF tuple regs    {}", h.dif_tuple_regs)?;
        writeln!(f, "  flags             {:#x}", h.flags)?;
        writeln!(f, "  header size       {}", h.header_size)?;
        writeln!(
            f,
            "  section headers   {} of {} bytes at offset {}",
            h.section_count, h.section_header_size, h.section_offset
        )?;
        writeln!(f, "  loadable size     {}", h.load_size)?;
        writeln!(f, "  file size         {}", h.file_size)?;
        writeln!(f)?;
        writeln!(f, "Sections")?;
        writeln!(
            f,
            "  {:>5}  {:<9} {:<5} {:>5} {:>7} {:>8} {:>8}",
            "index", "type", "flags", "align", "entsize", "offset", "size"
        )?;
        for (index, section) in self.sections.iter().enumerate() {
            write_section(f, index, section)?;
        }
        for (provider, section) in self.dof.providers.iter().zip(&self.provider_sections) {
            writeln!(f)?;
            write_provider(f, provider, Some(*section))?;
        }
        Ok(())
    }
}

impl fmt::Display for Dof {
    /// Each provider and its probes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, provider) in self.providers.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write_provider(f, provider, None)?;
        }
        Ok(())
    }
}

fn write_section(f: &mut fmt::Formatter<'_>, index: usize, s: &SectionHeader) -> fmt::Result {
    let flags = if s.flags == crate::raw::DOF_SECF_LOAD {
        "LOAD".to_owned()
    } else {
        format!("{:#x}", s.flags)
    };
    writeln!(
        f,
        "  {:>5}  {:<9} {:<5} {:>5} {:>7} {:>8} {:>8}",
        format!("[{index}]"),
        s.kind,
        flags,
        s.align,
        s.entry_size,
        s.offset,
        s.size
    )
}

fn write_provider(
    f: &mut fmt::Formatter<'_>,
    provider: &Provider,
    section: Option<u32>,
) -> fmt::Result {
    write!(f, "Provider {}", provider.name)?;
    if let Some(section) = section {
        write!(f, " (section {section})")?;
    }
    writeln!(f)?;
    let a = &provider.attributes;
    writeln!(f, "  attributes (name/data/class)")?;
    for (part, attr) in [
        ("provider", a.provider),
        ("module", a.module),
        ("function", a.function),
        ("name", a.name),
        ("args", a.args),
    ] {
        writeln!(f, "    {part:<9} {attr}")?;
    }
    for probe in &provider.probes {
        write_probe(f, &provider.name, probe)?;
    }
    Ok(())
}

fn write_probe(f: &mut fmt::Formatter<'_>, provider: &str, probe: &Probe) -> fmt::Result {
    writeln!(f, "  probe {provider}::{}:{}", probe.function, probe.name)?;
    writeln!(f, "    function            {}", probe.function)?;
    writeln!(f, "    address             {:#x}", probe.address)?;
    write_offsets(f, "offsets", probe.address, &probe.offsets)?;
    write_offsets(
        f,
        "is-enabled offsets",
        probe.address,
        &probe.enabled_offsets,
    )?;
    if probe.arg_types.is_empty() && probe.translated_types.is_empty() {
        return writeln!(f, "    arguments           none");
    }
    let identity = probe.translated_types == probe.arg_types
        && probe
            .arg_mapping
            .iter()
            .enumerate()
            .all(|(i, &n)| usize::from(n) == i);
    if identity {
        for (i, ty) in probe.arg_types.iter().enumerate() {
            let label = if i == 0 { "arguments" } else { "" };
            writeln!(f, "    {label:<19} args[{i}]: {ty}")?;
        }
        return Ok(());
    }
    for (i, ty) in probe.arg_types.iter().enumerate() {
        let label = if i == 0 { "native arguments" } else { "" };
        writeln!(f, "    {label:<19} arg{i}: {ty}")?;
    }
    for (i, ty) in probe.translated_types.iter().enumerate() {
        let label = if i == 0 { "translated" } else { "" };
        let from = probe
            .arg_mapping
            .get(i)
            .map_or_else(|| "?".to_owned(), |n| format!("arg{n}"));
        writeln!(f, "    {label:<19} args[{i}]: {ty} (from {from})")?;
    }
    Ok(())
}

fn write_offsets(
    f: &mut fmt::Formatter<'_>,
    label: &str,
    base: u64,
    offsets: &[u32],
) -> fmt::Result {
    if offsets.is_empty() {
        return writeln!(f, "    {label:<19} none");
    }
    let list: Vec<String> = offsets
        .iter()
        .map(|&o| format!("{o:#x} ({:#x})", base.wrapping_add(o.into())))
        .collect();
    writeln!(f, "    {label:<19} {}", list.join(", "))
}
