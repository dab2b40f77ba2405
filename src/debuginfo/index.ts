/** A kernel's own type information (CTF, DWARF) as the layout engine's StructLayouts. */
export * from './model.ts';
export { structLayoutFromGraph, structLayoutFromId, graphLayouts, type GraphLayoutOptions } from './layout.ts';
export { openTypes, archOfElf, type OpenedTypes } from './open.ts';
export { DwarfTypeGraph } from './dwarf/types.ts';
export { dwarfSectionsOf, type DwarfSections } from './dwarf/sections.ts';
