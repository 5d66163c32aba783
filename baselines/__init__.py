"""The benchmark's baselines: the ceilings that the site's own endpoints are measured against.

Installed only when BENCHMARK_BASELINES is on (the benchmark in bench/ turns it on); otherwise
neither its table nor its addresses exist.
"""
