"""The reference: real oslo.policy deciding the same cases as `os-policy eval`.

Reads one JSON object on stdin: {"jobs": [job, ...]} where a job is
  {"files": {"policy.yaml": text, "policy.d/x.yaml": text, ...},   # main file and policy.d
   "namespaces": [ns, ...],                                          # registered defaults
   "options": {"default_rule": str|null, "enforce_new_defaults": bool, "enforce_scope": bool},
   "cases": [{"rule": name} | {"check": str}, with "creds" and "target"]}
and prints one JSON line per job: {"load_error": str|null, "results": [{"result", "error"}]}.
A result is true/false, or null with "error": "ExceptionName: message" where oslo.policy raises.
Run with /usr/bin/python3 (Debian's python3-oslo.policy).
"""
import copy
import json
import logging
import os
import sys
import tempfile
import warnings

from oslo_config import cfg
from oslo_policy import _parser, generator, policy

logging.disable(logging.CRITICAL)
warnings.simplefilter('ignore')
# The reference must never reach the network: an http check is refused loudly instead.
import oslo_policy._external as _external  # noqa: E402


def _no_network(*args, **kwargs):
    raise RuntimeError('network access refused by the oracle')


for _name in ('HttpCheck', 'HttpsCheck'):
    getattr(_external, _name).__call__ = _no_network

_defaults_cache = {}


def registered(namespace):
    if namespace not in _defaults_cache:
        _defaults_cache[namespace] = list(generator.get_policies_dict([namespace])[namespace])
    # A fresh copy per enforcer: oslo.policy 3.x mutates RuleDefault.check while loading
    # (deprecated-rule handling), which would leak one job's mode into the next.
    return copy.deepcopy(_defaults_cache[namespace])


def error_text(exc):
    return '%s: %s' % (type(exc).__name__, exc)


def run_job(job, workdir):
    files = job.get('files', {})
    main = None
    dirs = set()
    for rel, text in files.items():
        path = os.path.join(workdir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w', encoding='utf-8', newline='') as handle:
            handle.write(text)
        if os.path.dirname(rel) == '':
            main = path
        else:
            dirs.add(os.path.join(workdir, os.path.dirname(rel)))
    conf = cfg.ConfigOpts()
    conf([], project='os-policy-oracle', default_config_files=[], default_config_dirs=[])
    options = job.get('options', {})
    enforcer = policy.Enforcer(conf, policy_file=main or os.path.join(workdir, 'absent.yaml'))
    conf.set_override('policy_dirs', sorted(dirs), 'oslo_policy')
    default_rule = options.get('default_rule', 'default')
    conf.set_override('policy_default_rule', default_rule if default_rule is not None else '', 'oslo_policy')
    enforcer.default_rule = conf.oslo_policy.policy_default_rule
    conf.set_override('enforce_new_defaults', bool(options.get('enforce_new_defaults')), 'oslo_policy')
    conf.set_override('enforce_scope', bool(options.get('enforce_scope')), 'oslo_policy')
    for namespace in job.get('namespaces', []):
        enforcer.register_defaults(registered(namespace))
    load_error = None
    try:
        enforcer.load_rules()
    except Exception as exc:  # noqa: BLE001 - any exception is an answer
        load_error = error_text(exc)
    results = []
    for case in job.get('cases', []):
        if load_error is not None:
            results.append({'result': None, 'error': load_error})
            continue
        try:
            if 'rule' in case:
                subject = case['rule']
            else:
                subject = _parser.parse_rule(case['check'])
            result = enforcer.enforce(subject, case.get('target', {}), case.get('creds', {}), do_raise=False)
            results.append({'result': bool(result), 'error': None})
        except Exception as exc:  # noqa: BLE001
            results.append({'result': None, 'error': error_text(exc)})
    return {'load_error': load_error, 'results': results}


def main():
    request = json.load(sys.stdin)
    out = sys.stdout
    for job in request['jobs']:
        with tempfile.TemporaryDirectory(prefix='os-policy-oracle-') as workdir:
            out.write(json.dumps(run_job(job, workdir)) + '\n')
    out.flush()


if __name__ == '__main__':
    sys.setrecursionlimit(1000)
    main()
