/** A layouts/ file as data, with the path it is known by in errors and notes. */
export interface LayoutFile {
    path: string;
    data: unknown;
}
export declare const LAYOUT_FILES: {
    arches: LayoutFile;
    typedefs: LayoutFile;
    structs: LayoutFile;
    compatCopyout: LayoutFile;
};
/** layouts/revisions/<name>.json, by name. */
export declare const REVISION_FILES: Readonly<Record<string, LayoutFile>>;
/** layouts/kernel/<name>.json, by name. */
export declare const KERNEL_FILES: Readonly<Record<string, LayoutFile>>;
