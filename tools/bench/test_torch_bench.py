"""Tests of torch_bench.py's case files and device handling.

  /usr/bin/python3 -m unittest tools/bench/test_torch_bench.py     (about a minute; needs torch and numpy)
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_bench  # noqa: E402

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_bench.py")


def write_case(folder, mode, expected_scale=1.0, drop=None):
    """A case as tools/gpu/torch-runner.mjs writes it, from a float64 PyTorch run of random weights."""
    I, H, L, T, B = 5, 7, 2, 4, 3
    torch.manual_seed(3)
    ref = torch_bench.make_rnn(mode, I, H, L).double()
    x = torch.randn(T, B, I, dtype=torch.float64)
    with torch.no_grad():
        want = ref(x)[0] * expected_scale
    parts = [("input", x.float())] + [(f"param.{k}", v.float()) for k, v in ref.state_dict().items() if k != drop]
    parts.append(("expected", want))
    tensors, blob = {}, bytearray()
    for name, t in parts:
        tensors[name] = {"dtype": "float64" if t.dtype == torch.float64 else "float32", "shape": list(t.shape),
                         "offset": len(blob)}
        blob += t.contiguous().numpy().tobytes()
    with open(os.path.join(folder, f"{mode}.bin"), "wb") as f:
        f.write(blob)
    path = os.path.join(folder, f"{mode}.json")
    with open(path, "w") as f:
        json.dump({"mode": mode, "config": "tiny", "inputSize": I, "hiddenSize": H, "numLayers": L, "T": T, "B": B,
                   "bin": f"{mode}.bin", "tensors": tensors}, f)
    return path


class CaseTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        torch_bench.BLAS = "test"

    def test_agrees_with_its_own_float64_run(self):
        for mode in ("rnn_tanh", "gru", "lstm"):
            r = torch_bench.bench_case(write_case(self.dir, mode), 1, 0, torch_bench.Device("cpu"))
            self.assertEqual(r["mode"], mode)
            self.assertEqual((r["T"], r["B"], r["numLayers"]), (4, 3, 2))
            self.assertLess(r["maxRelError"], 1e-5)

    def test_a_wrong_reference_shows_as_a_large_error(self):
        r = torch_bench.bench_case(write_case(self.dir, "gru", expected_scale=1.5), 1, 0, torch_bench.Device("cpu"))
        self.assertGreater(r["maxRelError"], 0.2)

    def test_a_missing_parameter_is_refused(self):
        with self.assertRaises(RuntimeError):
            torch_bench.bench_case(write_case(self.dir, "lstm", drop="bias_hh_l1"), 1, 0, torch_bench.Device("cpu"))

    def test_a_truncated_data_file_is_refused(self):
        path = write_case(self.dir, "rnn_tanh")
        with open(os.path.join(self.dir, "rnn_tanh.bin"), "r+b") as f:
            f.truncate(100)
        with self.assertRaisesRegex(ValueError, "past the 100-byte data file"):
            torch_bench.read_case(path)


class DeviceTest(unittest.TestCase):
    @unittest.skipIf(torch.cuda.is_available(), "this machine has CUDA: the missing-CUDA path cannot be shown here")
    def test_cuda_without_cuda_is_one_line_and_status_3(self):
        run = subprocess.run([sys.executable, SCRIPT, "--device", "cuda", "--mode", "lstm"], capture_output=True, text=True)
        self.assertEqual(run.returncode, torch_bench.EXIT_NO_CUDA)
        self.assertEqual(run.stdout, "")
        self.assertEqual(len(run.stderr.strip().splitlines()), 1)
        self.assertIn("CUDA is not available", run.stderr)

    def test_cpu_train_record_is_unchanged_in_shape(self):
        run = subprocess.run([sys.executable, SCRIPT, "--train", "--mode", "rnn_tanh", "--layers", "1", "--hidden", "8",
                              "--batch", "2", "--steps", "3", "--repeats", "1"], capture_output=True, text=True, check=True)
        r = json.loads(run.stdout.strip())
        self.assertEqual((r["device"], r["config"], r["train"], r["hiddenSize"]), ("cpu", "d2l-small", True, 8))
        self.assertNotIn("gpu", r)

    def test_openblas_names_its_kernel_family(self):
        # Forced through OPENBLAS_CORETYPE, the family the record names is the one forced; a library
        # that is not OpenBLAS (or not there) has none to name.
        env = {**os.environ, "OPENBLAS_CORETYPE": "Haswell"}
        run = subprocess.run([sys.executable, SCRIPT, "--train", "--mode", "rnn_tanh", "--layers", "1", "--hidden", "8",
                              "--batch", "2", "--steps", "3", "--repeats", "1"], capture_output=True, text=True,
                             check=True, env=env)
        blas = json.loads(run.stdout.strip())["blas"]
        if "openblas" not in blas:
            self.skipTest(f"PyTorch here loads {blas}, not OpenBLAS (see tools/bench/README.md, BLAS matters)")
        self.assertIn("(core Haswell)", blas)
        self.assertEqual(torch_bench.openblas_core("/nonexistent/libopenblas.so.0"), "core unknown")


if __name__ == "__main__":
    unittest.main()
