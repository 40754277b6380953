"""oslo.policy's side of `npm run bench`: the same inputs, timed the same way.

argv: CHECKS.json SMALL_POLICY (for the checks) BIG_POLICY (for loading) REPEATS. Prints one JSON object:
{"checks_per_second": float, "load_ms": [..] (load_rules, which runs check_rules once),
 "check_rules_ms": [..] (check_rules alone, again)}
"""
import json
import logging
import sys
import time
import warnings

from oslo_config import cfg
from oslo_policy import _checks, _parser, policy

logging.disable(logging.CRITICAL)
warnings.simplefilter('ignore')


def main():
    checks_path, small_path, policy_path, repeats = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    with open(checks_path) as handle:
        data = json.load(handle)
    conf = cfg.ConfigOpts()
    conf([], project='bench', default_config_files=[], default_config_dirs=[])
    enforcer = policy.Enforcer(conf, policy_file=small_path)
    enforcer.load_rules()
    creds, target, checks = data['creds'], data['target'], data['checks']
    best = None
    for _ in range(repeats):
        start = time.perf_counter()
        for text in checks:
            rule = _parser.parse_rule(text)
            try:
                _checks._check(rule, target, creds, enforcer, None)
            except Exception:  # noqa: BLE001 - raising checks count too
                pass
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    load_ms, check_rules_ms = [], []
    for _ in range(repeats):
        fresh = policy.Enforcer(conf, policy_file=policy_path)
        start = time.perf_counter()
        fresh.load_rules()
        load_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        fresh.check_rules()
        check_rules_ms.append((time.perf_counter() - start) * 1000)
    print(json.dumps({'checks_per_second': len(checks) / best, 'load_ms': load_ms, 'check_rules_ms': check_rules_ms}))


if __name__ == '__main__':
    main()
