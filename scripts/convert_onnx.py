"""Convert the TFLite networks inside the committed ``.task`` bundles to ONNX (the ``onnx`` backend).

    /tmp/conv-venv/bin/python scripts/convert_onnx.py [--out models] [--check-frames N]

A one-off developer tool, never run by gait itself: it needs ``tensorflow-cpu`` and ``tf2onnx==1.17``,
which are not gait dependencies. Make a throwaway venv for it::

    python3 -m venv /tmp/conv-venv
    /tmp/conv-venv/bin/pip install tensorflow-cpu tf2onnx==1.17.0 onnxruntime opencv-python-headless

Steps, per network:

1. extract the ``.tflite`` file from the bundle (a zip);
2. densify: the detector stores some weights as sparse tensors decoded at run time by DENSIFY ops,
   which tf2onnx cannot convert. The interpreter computes the dense values once; they are written
   into the output tensors' buffers and the DENSIFY ops are dropped;
3. convert with tf2onnx (opset 17); drop the landmark networks' segmentation mask (gait never uses it,
   and its decoder is more than half the inference time); make the batch dimension dynamic;
   store the weights, which TFLite holds in float16, as float16 again (exact, half the size);
4. check: run TFLite (the original, sparse model) and ONNX (one batch) on crops of real frames (the
   committed sample clip and bench clips) and print the largest difference per output, relative to
   that output's largest magnitude when above 1 (the segmentation logits reach 1800, the landmark
   pixels 256); fail above 5e-3.

Prints each file's size and sha256 for ``models/README.md`` and ``gait/pose/onnx/sessions.py``.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
#: (output file, bundle, member inside the bundle)
NETWORKS = (
    ("pose_detector.onnx", "pose_landmarker_full.task", "pose_detector.tflite"),
    ("pose_landmarks_full.onnx", "pose_landmarker_full.task", "pose_landmarks_detector.tflite"),
    ("pose_landmarks_heavy.onnx", "pose_landmarker_heavy.task", "pose_landmarks_detector.tflite"),
)
TOLERANCE = 5e-3
#: Side of the landmark networks' segmentation mask, the output dropped from the ONNX files.
SEGMENTATION_SIZE = 256
OPSET = 17


def densify(tflite_bytes: bytes) -> bytes:
    """The model with every DENSIFY op replaced by its constant dense output."""
    import tensorflow as tf
    from tensorflow.lite.python import schema_py_generated as schema
    from tensorflow.lite.tools import flatbuffer_utils

    model = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(tflite_bytes, 0))
    densify_code = [
        i
        for i, code in enumerate(model.operatorCodes)
        if max(code.builtinCode, code.deprecatedBuiltinCode) == schema.BuiltinOperator.DENSIFY
    ]
    if not densify_code:
        return tflite_bytes
    interpreter = tf.lite.Interpreter(  # no XNNPACK: a delegated tensor is not readable afterwards
        model_content=tflite_bytes,
        experimental_preserve_all_tensors=True,
        experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
    )
    interpreter.allocate_tensors()
    interpreter.invoke()
    graph = model.subgraphs[0]
    kept = []
    densified = 0
    for op in graph.operators:
        if op.opcodeIndex not in densify_code:
            kept.append(op)
            continue
        out = graph.tensors[op.outputs[0]]
        dense = interpreter.get_tensor(op.outputs[0])
        buffer = schema.BufferT()
        buffer.data = np.frombuffer(dense.tobytes(), np.uint8)
        model.buffers.append(buffer)
        out.buffer = len(model.buffers) - 1
        # The sparse input stays in the tensor table (nothing reads it now); give it the same
        # dense data so converters that parse every constant can.
        sparse = graph.tensors[op.inputs[0]]
        sparse.sparsity = None
        sparse.buffer = out.buffer
        densified += 1
    graph.operators = kept
    print(f"  densified {densified} sparse weight tensor(s)")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "dense.tflite"
        flatbuffer_utils.write_model(model, str(path))
        return path.read_bytes()


def convert(tflite_bytes: bytes, out: Path) -> None:
    """tf2onnx conversion with a dynamic batch dimension."""
    import onnx
    import tf2onnx
    from onnx import numpy_helper

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "model.tflite"
        src.write_bytes(tflite_bytes)
        model_proto, _ = tf2onnx.convert.from_tflite(str(src), opset=OPSET)
    model_proto = drop_segmentation(model_proto)
    for value in [*model_proto.graph.input, *model_proto.graph.output]:
        dim = value.type.tensor_type.shape.dim[0]
        dim.Clear()
        dim.dim_param = "batch"
    # Intermediate shapes inferred for batch 1 would pin the batch; drop them. Reshapes carry the
    # batch as a constant 1 in their target shape: 0 copies the input's (batch) dimension instead.
    del model_proto.graph.value_info[:]
    constants = {init.name: init for init in model_proto.graph.initializer}
    for node in model_proto.graph.node:
        if node.op_type == "Reshape" and node.input[1] in constants:
            target = numpy_helper.to_array(constants[node.input[1]]).copy()
            if target.size and target[0] == 1:
                target[0] = 0
                constants[node.input[1]].CopyFrom(numpy_helper.from_array(target, node.input[1]))
    store_half(model_proto)
    model_proto.producer_name = "gait scripts/convert_onnx.py (tf2onnx 1.17)"
    onnx.checker.check_model(model_proto)
    onnx.save(model_proto, str(out))


def drop_segmentation(model_proto: object) -> object:
    """The landmark network without its segmentation-mask output and the layers only it needs.

    gait never uses the mask, and its decoder (up to a 256 x 256 map per crop) costs more than half
    of a crop's inference time under onnxruntime.
    """
    from onnx import utils

    graph = model_proto.graph  # type: ignore[attr-defined]
    outputs = [o.name for o in graph.output]
    kept = [
        o.name
        for o in graph.output
        if [d.dim_value for d in o.type.tensor_type.shape.dim][1:]
        != [SEGMENTATION_SIZE, SEGMENTATION_SIZE, 1]
    ]
    if kept == outputs:
        return model_proto
    print(f"  dropped the segmentation output ({', '.join(sorted(set(outputs) - set(kept)))})")
    return utils.Extractor(model_proto).extract_model([i.name for i in graph.input], kept)


def store_half(model_proto: object) -> None:
    """Store weights that are exact in float16 as float16, cast back at load time (lossless).

    TFLite keeps these networks' weights in float16 and dequantizes them when it loads them; tf2onnx
    writes them out as float32, doubling the files. onnxruntime folds the Cast nodes at session
    start, so inference still runs in float32 on the same values.
    """
    from onnx import TensorProto, helper, numpy_helper

    graph = model_proto.graph  # type: ignore[attr-defined]
    casts = []
    for init in list(graph.initializer):
        if init.data_type != TensorProto.FLOAT:
            continue
        values = numpy_helper.to_array(init)
        half = values.astype(np.float16)
        if values.size < 16 or not np.array_equal(half.astype(np.float32), values):
            continue
        name = init.name
        init.CopyFrom(numpy_helper.from_array(half, f"{name}__fp16"))
        casts.append(helper.make_node("Cast", [f"{name}__fp16"], [name], to=TensorProto.FLOAT))
    nodes = list(graph.node)
    del graph.node[:]
    graph.node.extend(casts + nodes)
    print(f"  {len(casts)} weight tensors stored as float16 (exact)")


def sample_inputs(size: int, n: int) -> np.ndarray:
    """(n, size, size, 3) RGB float crops of real frames in [0, 1] (sample and bench clips)."""
    import cv2

    clips = [
        ROOT / "videos" / "sample_run_rear.mp4",
        *sorted((ROOT / "tests" / "data" / "bench").glob("*.mp4")),
    ]
    crops = []
    for clip in clips:
        cap = cv2.VideoCapture(str(clip))
        total = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
        for index in np.linspace(0, total - 1, max(1, n // len(clips)) + 1).astype(int)[:-1]:
            cap.set(cv2.CAP_PROP_POS_FRAMES, int(index))
            ok, bgr = cap.read()
            if not ok:
                continue
            h, w = bgr.shape[:2]
            side = min(h, w)
            top, left = (h - side) // 2, (w - side) // 2
            crop = cv2.resize(
                bgr[top : top + side, left : left + side], (size, size), interpolation=cv2.INTER_AREA
            )
            crops.append(cv2.cvtColor(crop, cv2.COLOR_BGR2RGB).astype(np.float32) / 255)
        cap.release()
    return np.stack(crops[:n])


def check(tflite_bytes: bytes, onnx_path: Path, n_frames: int) -> float:
    """Largest |TFLite - ONNX| over all outputs on real frames; also runs one batch of several."""
    import onnxruntime as ort
    import tensorflow as tf

    interpreter = tf.lite.Interpreter(model_content=tflite_bytes)
    interpreter.allocate_tensors()
    spec = interpreter.get_input_details()[0]
    size = int(spec["shape"][1])
    images = sample_inputs(size, n_frames)
    if size == 224:  # the detector takes [-1, 1]
        images = images * 2 - 1
    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    batched = session.run(None, {session.get_inputs()[0].name: images})
    by_name = {o.name: i for i, o in enumerate(session.get_outputs())}
    worst = 0.0
    for k, image in enumerate(images):
        interpreter.set_tensor(spec["index"], image[None])
        interpreter.invoke()
        for detail in interpreter.get_output_details():
            if detail["name"] not in by_name:  # the dropped segmentation mask
                continue
            expected = interpreter.get_tensor(detail["index"])
            got = batched[by_name[detail["name"]]][k : k + 1]
            scale = max(1.0, float(np.max(np.abs(expected))))
            worst = max(worst, float(np.max(np.abs(expected - got))) / scale)
    print(
        f"  {onnx_path.name}: {len(images)} real frames in one batch,"
        f" max |TFLite - ONNX| / max(1, max |TFLite|) per output = {worst:.2e}"
    )
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "models")
    parser.add_argument("--check-frames", type=int, default=12)
    args = parser.parse_args()
    failures = []
    for name, bundle, member in NETWORKS:
        print(f"{name} <- {bundle}:{member}")
        with zipfile.ZipFile(ROOT / "models" / bundle) as archive:
            raw = archive.read(member)
        dense = densify(raw)
        out = args.out / name
        convert(dense, out)
        if check(raw, out, args.check_frames) > TOLERANCE:
            failures.append(name)
        data = out.read_bytes()
        print(f"  {len(data):,} bytes, sha256 {hashlib.sha256(data).hexdigest()}")
    if failures:
        sys.exit(f"outputs differ from TFLite by more than {TOLERANCE}: {', '.join(failures)}")


if __name__ == "__main__":
    main()
