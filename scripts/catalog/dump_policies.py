"""Dump the registered policy defaults of every installed OpenStack service namespace.

Usage: python3 dump_policies.py OUTPUT_DIR RELEASE SUITE
Enumerates the entry points of the group `oslo.policy.policies` (each one a namespace such as
`nova` or `ironic.api`), loads each with oslo.policy's own `generator.get_policies_dict`, and
writes OUTPUT_DIR/<namespace>.json in the product's compact catalog format (see
server/src/core/catalog/catalogTypes.ts). Prints one line per namespace, failures included.
Works with the Python of Debian bullseye (3.9), bookworm (3.11) and trixie (3.13).
"""
import importlib.metadata as metadata
import json
import logging
import os
import sys
import warnings

logging.disable(logging.CRITICAL)
warnings.simplefilter('ignore')


def entry_points():
    eps = metadata.entry_points()
    if hasattr(eps, 'select'):
        return list(eps.select(group='oslo.policy.policies'))
    return list(eps.get('oslo.policy.policies', []))


def distribution_of(ep):
    dist = getattr(ep, 'dist', None)
    if dist is not None:
        return dist.metadata['Name'], dist.version
    module = ep.value.split(':')[0].split('.')[0]
    for dist in metadata.distributions():
        top = (dist.read_text('top_level.txt') or '').split()
        if module in top:
            return dist.metadata['Name'], dist.version
    return module, '?'


def compact(rule):
    out = {'n': rule.name, 'c': rule.check_str}
    if rule.description:
        out['d'] = rule.description
    operations = getattr(rule, 'operations', None) or []
    if operations:
        # Keystone registers some operations with a list of methods: one operation per method.
        out['o'] = [
            [method, op['path']]
            for op in operations
            for method in (op['method'] if isinstance(op['method'], (list, tuple)) else [op['method']])
        ]
    if rule.scope_types:
        out['s'] = list(rule.scope_types)
    deprecated = getattr(rule, 'deprecated_rule', None)
    if deprecated:  # some services register an empty list for "none"
        dr = {'n': deprecated.name, 'c': deprecated.check_str}
        if getattr(deprecated, 'deprecated_reason', None):
            dr['r'] = deprecated.deprecated_reason
        if getattr(deprecated, 'deprecated_since', None):
            dr['v'] = deprecated.deprecated_since
        out['dr'] = dr
    if getattr(rule, 'deprecated_for_removal', False):
        out['dfr'] = True
    if getattr(rule, 'deprecated_reason', None):
        out['r'] = rule.deprecated_reason
    if getattr(rule, 'deprecated_since', None):
        out['v'] = rule.deprecated_since
    return out


def main():
    output, release, suite = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(output, exist_ok=True)
    from oslo_policy import generator

    failures = 0
    for ep in sorted(entry_points(), key=lambda e: e.name):
        name, version = distribution_of(ep)
        try:
            rules = list(generator.get_policies_dict([ep.name])[ep.name])
        except Exception as exc:  # noqa: BLE001 - report and go on
            failures += 1
            print('FAIL %s (%s %s): %s: %s' % (ep.name, name, version, type(exc).__name__, exc))
            continue
        data = {
            'namespace': ep.name,
            'release': release,
            'source': 'Debian %s %s %s' % (suite, name, version),
            'rules': [compact(rule) for rule in rules],
        }
        with open(os.path.join(output, ep.name + '.json'), 'w', encoding='utf-8') as handle:
            json.dump(data, handle, ensure_ascii=False, separators=(',', ':'))
        print('ok %s %d rules (%s %s)' % (ep.name, len(rules), name, version))
    print('done: %d failures' % failures)


if __name__ == '__main__':
    main()
