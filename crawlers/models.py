# Crawler and CrawlerRun arrive with the Crawlers issue.
