/**
 * `hexdump -C` layout with the kernel virtual address in the offset column: 16 bytes a line, an
 * extra space after the eighth, then the printable characters between bars.
 */
export function hexdumpC(bytes, base, addrDigits = 16) {
    const out = [];
    for (let o = 0; o < bytes.length; o += 16) {
        const row = bytes.subarray(o, Math.min(o + 16, bytes.length));
        let hx = '';
        for (let i = 0; i < 16; i++) {
            hx += i < row.length ? row[i].toString(16).padStart(2, '0') + ' ' : '   ';
            if (i === 7)
                hx += ' ';
        }
        const asc = Array.from(row, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
        out.push(`${(base + BigInt(o)).toString(16).padStart(addrDigits, '0')}  ${hx} |${asc}|`);
    }
    out.push((base + BigInt(bytes.length)).toString(16).padStart(addrDigits, '0'));
    return out.join('\n') + '\n';
}
