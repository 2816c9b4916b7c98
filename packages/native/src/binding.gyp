{
  "targets": [
    {
      "target_name": "scorekit_native",
      "sources": ["adam.cc", "addon.cc", "activations.cc", "conv.cc", "elementwise.cc", "gemm.cc", "groupNorm.cc", "random.cc", "threadPool.cc"],
      "cflags_cc": ["-O3", "-std=c++17", "-ffp-contract=off"],
      "defines": ["NAPI_VERSION=8"],
      "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O3", "-std=c++17", "-ffp-contract=off"] }
    }
  ]
}
