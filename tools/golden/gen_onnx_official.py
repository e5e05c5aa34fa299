#!/usr/bin/python3
"""ONNX's own RNN/GRU/LSTM operator tests -> fixtures/onnx-official/.

    fixtures/onnx-official/<test>/model.onnx                  exactly what ONNX's generator builds
    fixtures/onnx-official/<test>/test_data_set_0/input_K.pb  onnx.TensorProto, K = graph-input order
    fixtures/onnx-official/<test>/test_data_set_0/output_K.pb K = graph-output order
    fixtures/onnx-official/index.json                         every test: node inputs/outputs, attributes

Debian's python3-onnx does not ship onnx/backend/test/data/, so the directories are generated
here from ONNX's own case definitions (onnx/backend/test/case/node/{rnn,gru,lstm}.py, the
`export_*` functions and their RNN_Helper/GRU_Helper/LSTM_Helper references), written the way
`python -m onnx.backend.test.cmd_tools generate-data` writes them. Only the three recurrent
classes run (collect_testcases would run every operator's cases). These tests declare node
outputs such as ['', 'Y_h']: optional values must be bound by position, not by filtering.

Determinism: the few cases that draw np.random.randn (test_rnn_seq_length, test_gru_seq_length)
get np.random.seed(crc32(case name)) before their export runs; SerializeToString() of the protos.

Rerun: /usr/bin/python3 tools/golden/gen_onnx_official.py
"""

import inspect
import os
import shutil
import sys

import numpy as np
import onnx
import onnx.backend.test.case.node as node_cases
from onnx import numpy_helper
from onnx.backend.test.case.node import gru, lstm, rnn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import FIXTURES, case_seed, write_index  # noqa: E402

OUT = os.path.join(FIXTURES, "onnx-official")
CLASSES = [rnn.RNN, gru.GRU, lstm.LSTM]


def collect():
    """Runs every export_* of the recurrent classes and returns ONNX's TestCase records."""
    node_cases._TargetOpType = None
    del node_cases._NodeTestCases[:]
    for cls in CLASSES:
        for fname, fn in sorted(inspect.getmembers(cls, predicate=inspect.isfunction)):
            if not fname.startswith("export"):
                continue
            np.random.seed(case_seed(f"{cls.__name__}.{fname}"))
            fn()
    cases = [c for c in node_cases._NodeTestCases if c.kind == "node"]
    return sorted(cases, key=lambda c: c.name)


def attributes(node):
    out = {}
    for a in node.attribute:
        v = onnx.helper.get_attribute_value(a)
        if isinstance(v, bytes):
            v = v.decode()
        elif isinstance(v, list):
            v = [x.decode() if isinstance(x, bytes) else x for x in v]
        out[a.name] = v
    return dict(sorted(out.items()))


def main():
    cases = collect()
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    index = []
    for case in cases:
        model = case.model
        onnx.checker.check_model(model, full_check=True)
        d = os.path.join(OUT, case.name)
        os.makedirs(d)
        with open(os.path.join(d, "model.onnx"), "wb") as f:
            f.write(model.SerializeToString())
        for i, (inputs, outputs) in enumerate(case.data_sets):
            ds = os.path.join(d, f"test_data_set_{i}")
            os.makedirs(ds)
            for kind, values, infos in (("input", inputs, model.graph.input), ("output", outputs, model.graph.output)):
                for j, v in enumerate(values):
                    with open(os.path.join(ds, f"{kind}_{j}.pb"), "wb") as f:
                        f.write(numpy_helper.from_array(np.asarray(v), infos[j].name).SerializeToString())
        node = model.graph.node[0]
        index.append({
            "name": case.name, "op": node.op_type,
            "opset": model.opset_import[0].version,
            "nodeInputs": list(node.input), "nodeOutputs": list(node.output),
            "graphInputs": [i.name for i in model.graph.input], "graphOutputs": [o.name for o in model.graph.output],
            "attributes": attributes(node),
            "dataSets": len(case.data_sets),
            "rtol": case.rtol, "atol": case.atol,
        })
    write_index(os.path.join(OUT, "index.json"), {
        "set": "onnx-official",
        "generator": "tools/golden/gen_onnx_official.py",
        "source": f"onnx {onnx.__version__}: onnx/backend/test/case/node/{{rnn,gru,lstm}}.py export_* functions",
        "layout": "<name>/model.onnx, <name>/test_data_set_0/input_K.pb and output_K.pb (onnx.TensorProto), "
                  "as onnx.backend.test.cmd_tools generate-data writes them",
        "count": len(index),
        "tests": index,
    })
    print(f"gen_onnx_official: {len(index)} tests -> {os.path.relpath(OUT)}")


if __name__ == "__main__":
    main()
