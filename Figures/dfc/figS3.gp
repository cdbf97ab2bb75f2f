# Rendered by: gnuplot figS3.gp (run from this directory)
set terminal pngcairo size 1500,850 noenhanced font 'Sans,11'
set output 'figS3.png'
set datafile separator ','
set key autotitle columnhead
set grid lc rgb '#dddddd'
set multiplot layout 2,3 title 'DFC Fig. S3 (reconstructed): feedback learning for several α_fb'
set xlabel 'logged iteration (every 5 minibatches)'
set key font ',8'
set title 'linear: ∠(Q, Jᵀ(JJᵀ + 5I)⁻¹) [°]'
set yrange [0:*]
plot 'figS3_wide.csv' using 1:2 with lines lw 2 lc rgb '#440154' title 'α_fb = 0.0', \
     'figS3_wide.csv' using 1:5 with lines lw 2 lc rgb '#3b528b' title 'α_fb = 0.001', \
     'figS3_wide.csv' using 1:8 with lines lw 2 lc rgb '#21918c' title 'α_fb = 0.01', \
     'figS3_wide.csv' using 1:11 with lines lw 2 lc rgb '#5ec962' title 'α_fb = 0.1', \
     'figS3_wide.csv' using 1:14 with lines lw 2 lc rgb '#fde725' title 'α_fb = 0.5', \
     'figS3_wide.csv' using 1:17 with lines lw 2 lc rgb '#f98e09' title 'α_fb = 1.0'
set title 'linear: ∠(Q, Jᵀ) [°]'
set yrange [0:*]
plot 'figS3_wide.csv' using 1:3 with lines lw 2 lc rgb '#440154' title 'α_fb = 0.0', \
     'figS3_wide.csv' using 1:6 with lines lw 2 lc rgb '#3b528b' title 'α_fb = 0.001', \
     'figS3_wide.csv' using 1:9 with lines lw 2 lc rgb '#21918c' title 'α_fb = 0.01', \
     'figS3_wide.csv' using 1:12 with lines lw 2 lc rgb '#5ec962' title 'α_fb = 0.1', \
     'figS3_wide.csv' using 1:15 with lines lw 2 lc rgb '#fde725' title 'α_fb = 0.5', \
     'figS3_wide.csv' using 1:18 with lines lw 2 lc rgb '#f98e09' title 'α_fb = 1.0'
set title 'linear: Condition 2'
set yrange [*:1]
plot 'figS3_wide.csv' using 1:4 with lines lw 2 lc rgb '#440154' title 'α_fb = 0.0', \
     'figS3_wide.csv' using 1:7 with lines lw 2 lc rgb '#3b528b' title 'α_fb = 0.001', \
     'figS3_wide.csv' using 1:10 with lines lw 2 lc rgb '#21918c' title 'α_fb = 0.01', \
     'figS3_wide.csv' using 1:13 with lines lw 2 lc rgb '#5ec962' title 'α_fb = 0.1', \
     'figS3_wide.csv' using 1:16 with lines lw 2 lc rgb '#fde725' title 'α_fb = 0.5', \
     'figS3_wide.csv' using 1:19 with lines lw 2 lc rgb '#f98e09' title 'α_fb = 1.0'
set title 'tanh: ∠(Q, Jᵀ(JJᵀ + 5I)⁻¹) [°]'
set yrange [0:*]
plot 'figS3_wide.csv' using 1:20 with lines lw 2 lc rgb '#440154' title 'α_fb = 0.0', \
     'figS3_wide.csv' using 1:23 with lines lw 2 lc rgb '#3b528b' title 'α_fb = 0.001', \
     'figS3_wide.csv' using 1:26 with lines lw 2 lc rgb '#21918c' title 'α_fb = 0.01', \
     'figS3_wide.csv' using 1:29 with lines lw 2 lc rgb '#5ec962' title 'α_fb = 0.1', \
     'figS3_wide.csv' using 1:32 with lines lw 2 lc rgb '#fde725' title 'α_fb = 0.5', \
     'figS3_wide.csv' using 1:35 with lines lw 2 lc rgb '#f98e09' title 'α_fb = 1.0'
set title 'tanh: ∠(Q, Jᵀ) [°]'
set yrange [0:*]
plot 'figS3_wide.csv' using 1:21 with lines lw 2 lc rgb '#440154' title 'α_fb = 0.0', \
     'figS3_wide.csv' using 1:24 with lines lw 2 lc rgb '#3b528b' title 'α_fb = 0.001', \
     'figS3_wide.csv' using 1:27 with lines lw 2 lc rgb '#21918c' title 'α_fb = 0.01', \
     'figS3_wide.csv' using 1:30 with lines lw 2 lc rgb '#5ec962' title 'α_fb = 0.1', \
     'figS3_wide.csv' using 1:33 with lines lw 2 lc rgb '#fde725' title 'α_fb = 0.5', \
     'figS3_wide.csv' using 1:36 with lines lw 2 lc rgb '#f98e09' title 'α_fb = 1.0'
set title 'tanh: Condition 2'
set yrange [*:1]
plot 'figS3_wide.csv' using 1:22 with lines lw 2 lc rgb '#440154' title 'α_fb = 0.0', \
     'figS3_wide.csv' using 1:25 with lines lw 2 lc rgb '#3b528b' title 'α_fb = 0.001', \
     'figS3_wide.csv' using 1:28 with lines lw 2 lc rgb '#21918c' title 'α_fb = 0.01', \
     'figS3_wide.csv' using 1:31 with lines lw 2 lc rgb '#5ec962' title 'α_fb = 0.1', \
     'figS3_wide.csv' using 1:34 with lines lw 2 lc rgb '#fde725' title 'α_fb = 0.5', \
     'figS3_wide.csv' using 1:37 with lines lw 2 lc rgb '#f98e09' title 'α_fb = 1.0'
unset multiplot
