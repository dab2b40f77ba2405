import { holes } from "../layout/index.js";
function nodes(fields, prefix) {
    return fields.map((f) => {
        const path = prefix + f.name;
        if (f.isString)
            return { t: 'str', name: f.name, path, off: f.offset, n: f.count };
        if (f.type.kind === 'struct')
            return { t: 'struct', name: f.name, path, off: f.offset, size: f.type.size, fields: nodes(f.type.struct.fields, path + '.'), count: f.count };
        return { t: 'int', name: f.name, path, off: f.offset, size: f.type.size, signed: f.type.signed, ptr: f.type.kind === 'pointer', count: f.count };
    });
}
const plans = new WeakMap();
export function planFor(layout) {
    let p = plans.get(layout);
    if (!p) {
        p = { layout, le: layout.littleEndian, fields: nodes(layout.fields, ''), pads: holes(layout).map((h) => ({ off: h.offset, size: h.size, key: `pad@${h.offset}` })) };
        plans.set(layout, p);
    }
    return p;
}
