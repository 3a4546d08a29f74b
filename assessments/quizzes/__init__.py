"""Server-graded quizzes: attempts, grading, import/export, statistics, learner views."""
