{
  "targets": [
    {
      "target_name": "scorekit_native",
      "sources": ["src/adam.cc", "src/addon.cc", "src/activations.cc", "src/conv.cc", "src/gemm.cc", "src/groupNorm.cc", "src/threadPool.cc"],
      "cflags_cc": ["-O3", "-std=c++17", "-ffp-contract=off"],
      "defines": ["NAPI_VERSION=8"],
      "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O3", "-std=c++17", "-ffp-contract=off"] }
    }
  ]
}
