export class KvmkitError extends Error {
    context;
    /** The message without its bracketed context: what to use when wrapping it in another error. */
    text;
    constructor(message, context = {}) {
        super(withContext(message, context));
        this.name = 'KvmkitError';
        this.context = context;
        this.text = message;
    }
}
/** Usage errors (bad flags, unknown arch) are told apart so the CLI can set its usage exit code. */
export class UsageError extends KvmkitError {
    constructor(message, context = {}) {
        super(message, context);
        this.name = 'UsageError';
    }
}
export function hex(v) {
    return '0x' + BigInt(v).toString(16);
}
function withContext(message, c) {
    const parts = [];
    if (c.file !== undefined)
        parts.push(`file ${c.file}`);
    if (c.struct !== undefined)
        parts.push(`struct ${c.struct}`);
    if (c.arch !== undefined)
        parts.push(`arch ${c.arch}`);
    if (c.revision !== undefined)
        parts.push(`revision ${c.revision}`);
    if (c.object !== undefined)
        parts.push(`object ${c.object}`);
    if (c.record !== undefined)
        parts.push(`record ${c.record}`);
    if (c.field !== undefined)
        parts.push(`field ${c.field}`);
    if (c.offset !== undefined)
        parts.push(`offset ${c.offset} (${hex(c.offset)})`);
    if (c.address !== undefined)
        parts.push(`address ${hex(c.address)}`);
    return parts.length ? `${message} [${parts.join(', ')}]` : message;
}
