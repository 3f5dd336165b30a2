"""Text foundations shared by attacks, models and datasets: segmentation (`segment`), stopwords
(`stopwords`), scripts and case (`scripts`) and keyboard layouts (`keyboards`)."""
