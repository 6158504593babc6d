#!/usr/bin/env python3
"""pubcrate.py narrow|widen: make every `pub` item in src/ `pub(crate)`, then widen back
exactly the ones tests/benches/main need (from rustc's privacy errors and
private_interfaces warnings). Run in the crate root."""
import json, os, re, subprocess, sys

ITEM = re.compile(r'^(\s*)pub (?=(fn|struct|enum|trait|type|const|static|mod|use|async|unsafe|extern)\b|r#?[a-z_][A-Za-z0-9_]*\s*:|[a-z_][A-Za-z0-9_]*\s*:)')

def rs_files():
    for root, _, files in os.walk('src'):
        for f in files:
            if f.endswith('.rs'):
                yield os.path.join(root, f)

def narrow():
    n = 0
    for path in rs_files():
        if path == 'src/main.rs':
            continue
        lines = open(path).read().split('\n')
        out = []
        in_macro = 0
        for line in lines:
            if 'macro_rules!' in line:
                in_macro = 1
            if not in_macro and not re.match(r'^\s*pub use .*::\*;', line):
                new = ITEM.sub(r'\1pub(crate) ', line)
                if new != line:
                    n += 1
                line = new
            else:
                # crude: a macro ends at a line that is just `}` at column 0
                if line.startswith('}'):
                    in_macro = 0
            out.append(line)
        open(path, 'w').write('\n'.join(out))
    print('narrowed', n)

def widen_line(path, line_no):
    lines = open(path).read().split('\n')
    i = line_no - 1
    # inside a multi-line `use` group: widen the statement's first line
    for j in range(i, max(i - 40, -1), -1):
        if j < i and lines[j].rstrip().endswith(';'):
            break
        if re.match(r'^\s*pub\(crate\) use ', lines[j]):
            lines[j] = lines[j].replace('pub(crate) ', 'pub ', 1)
            open(path, 'w').write('\n'.join(lines))
            return True
        if re.match(r'^\s*(pub )?use ', lines[j]):
            break
    # the span may start at an attribute or doc comment: walk down to the item line
    for j in range(i, min(i + 40, len(lines))):
        if 'pub(crate) ' in lines[j]:
            lines[j] = lines[j].replace('pub(crate) ', 'pub ', 1)
            open(path, 'w').write('\n'.join(lines))
            return True
        if re.match(r'^\s*(pub )', lines[j]):
            return False
    return False

def find_field(struct, field):
    hits = []
    for path in rs_files():
        text = open(path).read().split('\n')
        for i, line in enumerate(text):
            if re.search(r'\b(struct|enum|union)\s+' + re.escape(struct) + r'\b', line):
                depth = 0
                for j in range(i, min(i + 400, len(text))):
                    if re.match(r'^\s*pub\(crate\) (r#)?' + re.escape(field) + r'\s*:', text[j]):
                        hits.append((path, j + 1)); break
                    depth += text[j].count('{') - text[j].count('}')
                    if j > i and depth <= 0:
                        break
    return hits

def spans_of(msg):
    for child in msg.get('children', []):
        for span in child.get('spans', []):
            yield child.get('message', ''), span
    for span in msg.get('spans', []):
        yield msg.get('message', ''), span

def widen_once():
    cmd = ['cargo', 'check', '--all-targets', '--keep-going', '--message-format=json']
    proc = subprocess.run(cmd, capture_output=True, text=True)
    changed = 0
    errors = 0
    for raw in proc.stdout.split('\n'):
        if not raw.startswith('{'):
            continue
        m = json.loads(raw)
        if m.get('reason') != 'compiler-message':
            continue
        msg = m['message']
        code = (msg.get('code') or {}).get('code')
        text = msg['message']
        if msg['level'] == 'error':
            errors += 1
        reexp = re.match(r'`([A-Za-z0-9_]+)` is (?:only public within the crate|private), and cannot be re-exported', text)
        if reexp:
            name = reexp.group(1)
            for path in rs_files():
                lines = open(path).read().split('\n')
                for i, line in enumerate(lines):
                    if re.match(r'^\s*pub\(crate\) (?:async )?(?:struct|enum|trait|type|fn|const|static|mod|union) ' + name + r'\b', line) or (re.match(r'^\s*pub\(crate\) use ', line) and re.search(r'\b' + name + r'\b', ' '.join(lines[i:i+30]).split(';')[0])):
                        changed += widen_line(path, i + 1)
            continue
        fields = re.match(r'fields? (.*) of (?:struct|enum|union) `([^`]+)` (?:is|are) private', text)
        if fields:
            struct = fields.group(2).split('<')[0].split('::')[-1]
            for field in re.findall(r'`([^`]+)`', fields.group(1)):
                for path, line in find_field(struct, field):
                    changed += widen_line(path, line)
            continue
        if code in ('E0603', 'E0624', 'E0364', 'E0365', 'E0451') or 'private_interfaces' in str(code) or 'private_bounds' in str(code) or 'is private' in text or 'more private than' in text:
            for label, span in spans_of(msg):
                path = span['file_name']
                if not path.startswith('src/'):
                    continue
                if msg['level'] == 'error' and span.get('is_primary') and label == text:
                    continue  # the use site
                changed += widen_line(path, span['line_start'])
    return changed, errors, proc

if __name__ == '__main__':
    if sys.argv[1] == 'narrow':
        narrow()
    else:
        for round_ in range(30):
            changed, errors, proc = widen_once()
            print(f'round {round_}: widened {changed}, errors {errors}', flush=True)
            if changed == 0:
                if errors:
                    sys.stdout.write(proc.stderr[-4000:])
                break
