"""oslo.policy's side of the matrix benchmark: the same decisions, each with a concrete target.

argv: CASES.json REPEATS, where CASES.json is {"namespace", "options", "cases": [{"rule", "creds", "target"}]}.
Prints {"load_ms": float, "enforce_ms": [..] (one loop over every case per repeat), "allowed": int}.
"""
import json
import logging
import sys
import time
import warnings

from oslo_config import cfg
from oslo_policy import generator, policy

logging.disable(logging.CRITICAL)
warnings.simplefilter('ignore')


def main():
    with open(sys.argv[1]) as handle:
        data = json.load(handle)
    repeats = int(sys.argv[2])
    conf = cfg.ConfigOpts()
    conf([], project='bench', default_config_files=[], default_config_dirs=[])
    options = data['options']
    start = time.perf_counter()
    enforcer = policy.Enforcer(conf, policy_file='/nonexistent/policy.yaml')
    conf.set_override('enforce_new_defaults', options['enforce_new_defaults'], 'oslo_policy')
    conf.set_override('enforce_scope', options['enforce_scope'], 'oslo_policy')
    enforcer.register_defaults(generator.get_policies_dict([data['namespace']])[data['namespace']])
    enforcer.load_rules()
    load_ms = (time.perf_counter() - start) * 1000
    cases = data['cases']
    times = []
    allowed = 0
    for _ in range(repeats):
        allowed = 0
        start = time.perf_counter()
        for case in cases:
            if enforcer.enforce(case['rule'], case['target'], case['creds'], do_raise=False):
                allowed += 1
        times.append((time.perf_counter() - start) * 1000)
    print(json.dumps({'load_ms': load_ms, 'enforce_ms': times, 'allowed': allowed}))


if __name__ == '__main__':
    main()
