"""PyTorch's ms per forward call on this machine, one thread (the target of the onnxruntime backend).
Usage: /usr/bin/python3 tools/bench-torch.py [d2l|medium] [threads]"""
import sys, time, torch
CONFIGS = {"d2l": (28, 256, 3, 35, 32, 30), "medium": (64, 512, 3, 100, 64, 5)}
which = sys.argv[1] if len(sys.argv) > 1 else "d2l"
torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
I, H, L, T, B, reps = CONFIGS[which]
modes = sys.argv[3].split(",") if len(sys.argv) > 3 else ["rnn_tanh", "rnn_relu", "gru", "lstm"]
for mode in modes:
    if mode.startswith("rnn"):
        m = torch.nn.RNN(I, H, L, nonlinearity=mode[4:])
    else:
        m = {"gru": torch.nn.GRU, "lstm": torch.nn.LSTM}[mode](I, H, L)
    m.eval()
    x = torch.randn(T, B, I)
    with torch.no_grad():
        for _ in range(2): m(x)
        ts, cs = [], []
        for _ in range(reps):
            t0, c0 = time.perf_counter(), time.process_time()
            m(x)
            ts.append((time.perf_counter() - t0) * 1000); cs.append((time.process_time() - c0) * 1000)
    ts.sort(); cs.sort()
    print(f"{which} {mode} torch threads={torch.get_num_threads()}: wall min {ts[0]:.1f} median {ts[len(ts)//2]:.1f}, cpu min {cs[0]:.1f} median {cs[len(cs)//2]:.1f} ms/call (of {reps})")
