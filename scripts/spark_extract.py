"""spark-submit entry of kg's Spark extraction (kg.spark.main), for clusters where kg is installed on every node
(or shipped as a packed environment: docs/scale.md):

    spark-submit --master 'local[2]' scripts/spark_extract.py examples/articles -o /tmp/shards
    spark-submit --master yarn scripts/spark_extract.py hdfs:///news/2024 --table parquet -o hdfs:///kg/shards/2024
"""

from __future__ import annotations

import sys

from kg.spark import main

if __name__ == "__main__":
    sys.exit(main())
