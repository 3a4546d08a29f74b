# Question banks, quizzes, attempts and H5P packages arrive with their issues.
