"""The pieces of MediaPipe's PoseLandmarker graph that the onnx backend (:mod:`gait.pose.onnx_backend`)
writes in numpy: the networks' sessions (:mod:`.sessions`), the detector's anchors and
non-maximum suppression (:mod:`.detector`), the rotated region and its crops (:mod:`.geometry`),
the landmark network's decoding (:mod:`.decode`) and the temporal filters (:mod:`.smoothing`)."""
